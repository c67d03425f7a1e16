#!/usr/bin/env node
// The command line: npx cdk-eks-endpoint check cdk.out
// The logic lives in lib/check/adapters/cli.ts; this file only hands it the arguments.
process.exitCode = require('../lib/check/adapters/cli').main(process.argv.slice(2));
