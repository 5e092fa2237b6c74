// Loads a built Lambda bundle in a plain Node process, as the Lambda runtime does, and calls its
// `handler` once per input. Input and results travel through files; stdout stays the function's log.
const { readFileSync, writeFileSync } = require('node:fs');

const [inputFile, outputFile] = process.argv.slice(2);
const { bundle, calls } = JSON.parse(readFileSync(inputFile, 'utf8'));

(async () => {
  const { handler } = require(bundle);
  const results = [];
  for (const { event, context } of calls) {
    try {
      // Lambda's context carries functions; tests pass `remainingTimeMs` and get them back here. The
      // time left stands still at what the test said: no result may depend on how fast this machine is.
      // Lambda always tells a function its own ARN; tests may name another.
      const ctx = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:under-test', ...context };
      if (ctx.remainingTimeMs !== undefined) ctx.getRemainingTimeInMillis = () => ctx.remainingTimeMs;
      results.push({ ok: true, value: await handler(event, ctx) });
    } catch (error) {
      results.push({ ok: false, error: String(error && error.stack ? error.stack : error) });
    }
  }
  writeFileSync(outputFile, JSON.stringify(results));
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
