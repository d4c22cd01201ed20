// The API host this platform is reached at, and the URL of an action named by `ow_name`.
exports.main = (params) => {
  const host = process.env.__OW_API_HOST || '';
  const name = typeof params.ow_name === 'string' ? params.ow_name : '';
  const [ns = process.env.__OW_NAMESPACE, ...rest] = name.replace(/^\//, '').split('/');
  const url = name ? `${host}/api/v1/namespaces/${ns}/actions/${rest.join('/')}` : host;
  return { url };
};
