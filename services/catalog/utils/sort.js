// Sorts an array of lines lexicographically.
exports.main = (params) => {
  const lines = Array.isArray(params.lines) ? params.lines.map(String).sort() : [];
  return { length: lines.length, lines };
};
