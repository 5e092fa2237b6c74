// Runs s3rver in its own Node process (started with --openssl-legacy-provider, which s3rver's
// DES-encrypted ListObjectsV2 continuation tokens need) and reports to the parent over stdout:
// first `{"port":N}`, then one `{"method","url"}` line per request it serves.
const S3rver = require('s3rver');

const { directory, buckets } = JSON.parse(process.argv[2]);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});

server.run().then(
  ({ port }) => {
    server.httpServer.on('request', (req) => process.stdout.write(JSON.stringify({ method: req.method, url: req.url }) + '\n'));
    process.stdout.write(JSON.stringify({ port }) + '\n');
  },
  (error) => {
    process.stderr.write(`s3rver failed to start: ${error.stack}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
