// The manifest as published: what a consumer installs needs no scripts (they build and test
// this package here) and no devDependencies (the test server is an unpublished workspace
// package). Used by `pnpm run package` only, so installs of the workspace are not affected.
module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.name !== '@bucketgrid/client') return pkg;
      delete pkg.devDependencies;
      delete pkg.scripts;
      return pkg;
    },
  },
};
