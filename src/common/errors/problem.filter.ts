import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, toProblem } from './problem.js';

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

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request
 * (headers or request line too large: 431; not HTTP: 400; too slow: 408), written on the
 * socket as a problem rather than Fastify's own JSON.
 */
export function writeClientProblem(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail = status === 431 ? 'The request line or its headers are too large.' : status === 408 ? 'The request did not arrive in time.' : 'The request is not valid HTTP.';
  const body = JSON.stringify(new ApiProblem(status, detail).toProblem());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
