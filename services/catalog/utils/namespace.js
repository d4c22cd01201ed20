// The namespace the action runs in.
exports.main = () => ({ namespace: process.env.__OW_NAMESPACE });
