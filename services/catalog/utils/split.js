// Splits a payload string into lines on a separator (default newline).
exports.main = (params) => {
  const payload = typeof params.payload === 'string' ? params.payload : '';
  const separator = typeof params.separator === 'string' ? params.separator : '\n';
  return { lines: payload.split(separator) };
};
