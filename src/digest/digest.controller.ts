import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { STAFF_READERS } from '../common/access/roles.js';
import { ApiProblems } from '../common/http/openapi.js';
import { DigestService } from './digest.service.js';
import { DigestDto, DigestPreferencesDto } from './dto/digest.dto.js';

const NOT_A_PERSON = [403, 'The caller is an API key: a digest is for a person.'] as const;

// Beside GET /me (auth.controller.ts): the caller's own digest and its choice to receive it.
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me')
export class DigestController {
  constructor(private readonly digests: DigestService) {}

  @Get('digest')
  @Roles(...STAFF_READERS)
  @ApiOperation({
    summary: 'What the daily e-mail to the caller holds today',
    description:
      'The digest the caller receives by e-mail each morning (when SMTP_URL is set and dailyDigest is true), computed now for its territory: an instructor’s overdue and soon-due ' +
      'récépissés (dossiers assigned to it or to nobody) and its open dossiers; the director’s decisions and récépissés to sign. Other roles have an empty digest. ' +
      'Subject, plain text and HTML are those of the e-mail, in French.',
  })
  @ApiOkResponse({ type: DigestDto })
  @ApiProblems(NOT_A_PERSON)
  digest(@CurrentPrincipal() p: Principal): Promise<DigestDto> {
    return this.digests.mine(p);
  }

  @Put('digest-preferences')
  @Roles(...STAFF_READERS)
  @ApiOperation({
    summary: 'Receive the daily e-mail, or not',
    description: 'Opts the caller out of the daily digest (false) or back in (true); audited (user.digest_preferences).',
  })
  @ApiOkResponse({ type: DigestPreferencesDto })
  @ApiProblems(NOT_A_PERSON, [409, 'The account was changed by another request meanwhile: send it again.'])
  preferences(@CurrentPrincipal() p: Principal, @Body() dto: DigestPreferencesDto): Promise<DigestPreferencesDto> {
    return this.digests.setPreferences(p, dto.dailyDigest);
  }
}
