/**
 * A bare Fastify hello-world: the ceiling the flashmart numbers are compared against.
 * Run as a child of http.bench.ts so it gets an event loop of its own.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));

const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`hello-world listening on ${url}\n`);
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
