// Nests all parameters under one field named by `fieldName`.
exports.main = (params) => {
  const { fieldName, ...rest } = params;
  if (typeof fieldName !== 'string' || fieldName === '') {
    return { error: 'smash needs a string parameter fieldName' };
  }
  return { [fieldName]: rest };
};
