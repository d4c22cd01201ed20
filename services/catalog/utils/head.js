// The first `num` lines (default 1) of an array of lines.
exports.main = (params) => {
  const lines = Array.isArray(params.lines) ? params.lines : [];
  const num = Number.isInteger(params.num) && params.num >= 0 ? params.num : 1;
  return { lines: lines.slice(0, num) };
};
