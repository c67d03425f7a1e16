#!/usr/bin/env node
// The private-resolution check as a command, for CloudFormation templates:
//   npx cdk-eks-endpoint-check cdk.out/*.template.json
// The logic lives in lib/check/cli.ts; this file only hands it the arguments.
process.exitCode = require('../lib/check/cli').main(process.argv.slice(2));
