import { applyDecorators, type CallHandler, type ExecutionContext, HttpCode, Injectable, type NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

const LOCATION = 'http:location';

/**
 * A POST that creates a resource: 201 with `Location` built from the created body. The
 * interceptor is the route's own: a global one would put every route through RxJS.
 */
export const Created = <T>(location: (body: T, params: Record<string, string>) => string) =>
  applyDecorators(HttpCode(201), SetMetadata(LOCATION, location), UseInterceptors(LocationInterceptor));

@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const location = this.reflector.get<((body: unknown, params: Record<string, string>) => string) | undefined>(LOCATION, context.getHandler());
    if (!location) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const params = context.switchToHttp().getRequest<{ params: Record<string, string> }>().params ?? {};
    return next.handle().pipe(
      map((body: unknown) => {
        void reply.header('Location', `/api/v1${location(body, params)}`);
        return body;
      }),
    );
  }
}
