/**
 * A bare Fastify hello-world answering POST /hello with JSON: the ceiling flash.bench.ts
 * compares purchase admission against (bench/hello-server.ts answers GET only). Run as a child
 * so it gets an event loop of its own.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/hello', async () => ({ hello: 'world' }));

const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`hello-world (POST) listening on ${url}\n`);
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
