// Concatenates an array of lines into one payload string.
exports.main = (params) => {
  const lines = Array.isArray(params.lines) ? params.lines.map(String) : [];
  return { lines, payload: lines.join('\n') };
};
