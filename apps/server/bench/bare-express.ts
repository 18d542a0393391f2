/**
 * The ceiling for the ingestion benchmark: a bare Express 5 app that only parses the JSON body
 * (express.json, 5 MB like our limit) and answers 200. Whatever Bucketgrid does on top of
 * this (auth, validation, SQLite, fsync) is measured against it.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.post('/api/buckets/:bucketId', express.json({ limit: '5mb' }), (req, res) => {
  res.status(200).json({ written: Array.isArray(req.body) ? req.body.length : 0 });
});

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ message: 'listening', url: `http://${address}:${port}` })}\n`,
  );
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
