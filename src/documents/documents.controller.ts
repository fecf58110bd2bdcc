import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { INSTRUCTORS, STAFF_READERS } from '../common/access/roles.js';
import { ApiProblems } from '../common/http/openapi.js';
import { UuidParam } from '../common/http/params.js';
import { StreamedUpload } from '../common/http/upload.js';
import { DocumentsService } from './documents.service.js';
import { DocumentDto, DocumentListDto, DocumentQuery, UploadDocumentDto, UploadVersionDto, WithdrawDocumentDto } from './dto/document.dto.js';
import { ACCEPTED_MEDIA_TYPES } from './sniff.js';

const LOCATION = {
  Location: {
    description: 'The URL of the pièce.',
    schema: { type: 'string', example: '/api/v1/applications/0193a4b2-6f00-7a10-8000-5e2d1c3b4a59/documents/0193a4b2-7000-7a10-8000-5e2d1c3b4a60' },
  },
};
const UPLOAD_PROBLEMS = [
  [400, 'No part "file", an empty file, more than one file, or a kind that is not one of the list.'],
  [409, 'The dossier is WITHDRAWN or CLOSED: it takes no more pièces.'],
  [413, 'The file is larger than DOCUMENTS_MAX_BYTES (20 MB by default): nothing is stored.'],
  [415, 'Not multipart/form-data, or the content (read from its bytes, whatever its name says) is not a PDF, an image, an office document or a CSV file: nothing is stored.'],
  [422, 'The dossier holds DOCUMENTS_MAX_PER_DOSSIER pièces already (rule too-many-documents).'],
] as const;

const documentUrl = (applicationId: string, id: string) => `/api/v1/applications/${applicationId}/documents/${id}`;

@ApiTags('documents')
@ApiBearerAuth()
@Controller('applications/:id/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @Roles(...INSTRUCTORS)
  @StreamedUpload(UploadDocumentDto)
  @ApiOperation({
    summary: 'Add a pièce to a dossier',
    description:
      'multipart/form-data with the fields `kind` and `label` and the part `file`, streamed to the storage. Its media type is read from its content; its SHA-256 and size ' +
      'are computed on the way and recorded in the audit trail. The same bytes of the same kind sent again (a retry) answer the pièce already there, 200.',
  })
  @ApiCreatedResponse({ type: DocumentDto, description: 'The pièce, version 1 (Location: its URL)', headers: LOCATION })
  @ApiOkResponse({ type: DocumentDto, description: 'These very bytes are already a current pièce of this kind: that one', headers: LOCATION })
  @ApiProblems(...UPLOAD_PROBLEMS)
  async upload(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { created, document } = await this.documents.upload(p, id, request);
    return reply
      .code(created ? 201 : 200)
      .header('Location', documentUrl(id, document.id))
      .send(document);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({
    summary: "List a dossier's pièces",
    description: 'The current version of each pièce, withdrawn ones included (marked); with `history=true`, the replaced versions too.',
  })
  @ApiOkResponse({ type: DocumentListDto })
  list(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() q: DocumentQuery): Promise<DocumentListDto> {
    return this.documents.list(p, id, q.history ?? false);
  }

  @Get(':docId')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a pièce', description: 'Its kind, name, media type, size, SHA-256, version, who uploaded it and when, and whether it is withdrawn.' })
  @ApiOkResponse({ type: DocumentDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('docId', UuidParam) docId: string): Promise<DocumentDto> {
    return this.documents.get(p, id, docId);
  }

  @Get(':docId/content')
  @Roles(...STAFF_READERS)
  @ApiProduces(...Object.keys(ACCEPTED_MEDIA_TYPES))
  @ApiOperation({
    summary: "Download a pièce's bytes",
    description: 'Streamed, as an attachment, with its sniffed Content-Type, its SHA-256 as ETag (If-None-Match: 304) and one byte range when asked (Range: bytes=…, If-Range).',
  })
  @ApiHeader({ name: 'Range', required: false, description: 'One range of bytes, e.g. bytes=0-1023 or bytes=-500', schema: { type: 'string', example: 'bytes=0-1023' } })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag held: 304 when the bytes are the same', schema: { type: 'string' } })
  @ApiOkResponse({
    description: 'The bytes',
    schema: { type: 'string', format: 'binary' },
    headers: {
      ETag: { description: 'The SHA-256 of the bytes, quoted', schema: { type: 'string' } },
      'Content-Disposition': { description: 'attachment, with the file name', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 206, description: 'The range asked (Content-Range)', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 304, description: 'Not modified: the ETag of If-None-Match is the current one' })
  @ApiProblems(416)
  async content(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidParam) id: string,
    @Param('docId', UuidParam) docId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const h = request.headers;
    const download = await this.documents.content(p, id, docId, {
      range: typeof h.range === 'string' ? h.range : undefined,
      ifRange: typeof h['if-range'] === 'string' ? h['if-range'] : undefined,
      ifNoneMatch: typeof h['if-none-match'] === 'string' ? h['if-none-match'] : undefined,
    });
    reply.code(download.status).headers(download.headers);
    return download.body ? reply.send(download.body) : reply.send();
  }

  @Post(':docId/versions')
  @Roles(...INSTRUCTORS)
  @StreamedUpload(UploadVersionDto)
  @ApiOperation({
    summary: 'Replace a pièce by a new version',
    description: 'The new bytes become the current version (its number + 1); the previous version is kept, readable, no longer current. Same formats and limits as an upload.',
  })
  @ApiCreatedResponse({ type: DocumentDto, description: 'The new version (Location: its URL)', headers: LOCATION })
  @ApiProblems(...UPLOAD_PROBLEMS.filter(([s]) => s !== 409 && s !== 422), [
    409,
    'The pièce was replaced already (replace its current version), is withdrawn, or the dossier is WITHDRAWN or CLOSED.',
  ])
  async replace(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidParam) id: string,
    @Param('docId', UuidParam) docId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const document = await this.documents.replace(p, id, docId, request);
    return reply.code(201).header('Location', documentUrl(id, document.id)).send(document);
  }

  @Post(':docId/withdraw')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a pièce', description: 'Kept and marked, never deleted: it no longer counts in the checklist; its bytes stay readable. Audited.' })
  @ApiOkResponse({ type: DocumentDto })
  @ApiProblems([409, 'The pièce is withdrawn already.'])
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('docId', UuidParam) docId: string, @Body() dto: WithdrawDocumentDto): Promise<DocumentDto> {
    return this.documents.withdraw(p, id, docId, dto.reason);
  }
}
