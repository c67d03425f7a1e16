#!/usr/bin/env node
// The earlier name of `cdk-eks-endpoint check`, kept working:
//   npx cdk-eks-endpoint-check cdk.out
// The logic lives in lib/check/adapters/cli.ts; this file only hands it the arguments.
Promise.resolve(require('../lib/check/adapters/cli').main(['check', ...process.argv.slice(2)])).then((code) => { process.exitCode = code; });
