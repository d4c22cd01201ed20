// The current date and time.
exports.main = () => ({ date: new Date().toISOString() });
