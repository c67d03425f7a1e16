/**
 * Set before every test file (jest.config.js `setupFiles`). The AWS SDK for JavaScript v3 warns,
 * once a process, through Node's process warnings, that its releases after January 2027 need
 * Node.js 22: `npm test` may run on the machine's Node.js 20, which this package's `engines`
 * leaves out, and a passing run must print nothing to ask about. The SDK's own switch turns it off
 * (@aws-sdk/core, emitWarningIfUnsupportedVersion).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
