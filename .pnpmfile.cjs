// pnpm hooks for this workspace (pnpm >= 10.28).
//
// beforePacking: the manifest in a tarball (`pnpm pack`, `pnpm publish`, `changeset publish`)
// carries no devDependencies. They only serve development inside this workspace, where they
// name the private @cachex/testing and workspace-only versions; npm never installs a package's
// devDependencies for its users. The package.json files themselves are not changed.
module.exports = {
  hooks: {
    beforePacking(manifest) {
      delete manifest.devDependencies;
      return manifest;
    },
  },
};
