import { ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from './problem.js';

const logger = new Logger('Errors');

/** Writes any error as problem+json. Used by the Nest filter and Fastify's error handler. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { problem, headers, unexpected } = toProblem(error);
  if (unexpected) logger.error({ err: error, reqId: request.id }, 'unexpected error');
  else if (problem.status >= 500) logger.warn({ reqId: request.id, detail: problem.detail }, 'service unavailable');
  if (reply.sent) return;
  void reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send({ ...problem, instance: request.url.split('?')[0], requestId: request.id });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
