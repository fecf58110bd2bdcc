import { applyDecorators, SetMetadata, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';

/** Marks a route that reads a streamed multipart upload (its body is never parsed as a whole). */
export const STREAMED_UPLOAD = 'http:streamed-upload';

/**
 * A multipart/form-data upload, read part by part as it arrives (the route reads the request
 * itself). No Idempotency-Key: its body cannot be hashed before it is consumed; a route of this
 * kind makes a resend harmless by its content instead (the same bytes answer what exists).
 */
export const StreamedUpload = (form: Type) => applyDecorators(SetMetadata(STREAMED_UPLOAD, true), ApiConsumes('multipart/form-data'), ApiBody({ type: form }));
