#!/usr/bin/env node
// Thin launcher: map NO_COLOR onto chalk's FORCE_COLOR before anything imports Ink,
// silence the AWS SDK's Node-version warning, then run the bundled CLI.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
