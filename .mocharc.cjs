// mocha's configuration. Test files named on the command line run alone; without any, every
// test runs. (With `spec` in a static config file, mocha adds the files named on the command
// line to the whole suite instead of running only them.)
const named = process.argv.slice(2).some((a) => /\.test\.ts$/.test(a));
module.exports = {
  'node-option': ['import=tsx'],
  spec: named ? [] : ['test/**/*.test.ts'],
  timeout: 30000,
  exit: true,
};
