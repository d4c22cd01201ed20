// Returns its input unchanged: the catalog's smoke-test action.
exports.main = (params) => params;
