// The contrat local de santé's follow-up of a site (seed 003): per project and year, the
// installations of health professionals, the student trainees hosted, the departures replaced.
import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { invalid } from '../../common/errors/problem.js';
import { ProjectDto } from './project.dto.js';

export const FOLLOW_UP_MIN_YEAR = 2000;
export const FOLLOW_UP_MAX_YEAR = 2100;
const MAX_COUNT = 100_000;

/**
 * The `{year}` of the route: four digits, 2000-2100, else 400 naming it. The parameter stays a
 * string in the controller: typed `number`, the global ValidationPipe would first convert it
 * with `+value` and let `02025`, `2025.0` or `0x7E9` through.
 */
@Injectable()
export class FollowUpYearParam implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
    if (!(year >= FOLLOW_UP_MIN_YEAR && year <= FOLLOW_UP_MAX_YEAR)) {
      throw invalid([{ field: meta.data ?? 'year', message: `must be a year from ${FOLLOW_UP_MIN_YEAR} to ${FOLLOW_UP_MAX_YEAR}` }]);
    }
    return value;
  }
}

export class PutFollowUpDto {
  @ApiProperty({ example: 2, minimum: 0, maximum: MAX_COUNT, description: 'Health professionals who settled at the site that year' })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  installations: number;

  @ApiProperty({ example: 3, minimum: 0, maximum: MAX_COUNT, description: 'Student trainees hosted that year' })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  studentTrainees: number;

  @ApiProperty({ example: 1, minimum: 0, maximum: MAX_COUNT, description: 'Departures (retirements, moves) replaced that year' })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  departuresReplaced: number;
}

/** One year of a site's follow-up, as `GET /projects/{id}` lists them. */
export class FollowUpYearDto {
  @ApiProperty({ example: 2026, minimum: FOLLOW_UP_MIN_YEAR, maximum: FOLLOW_UP_MAX_YEAR }) year: number;
  @ApiProperty({ example: 2 }) installations: number;
  @ApiProperty({ example: 3 }) studentTrainees: number;
  @ApiProperty({ example: 1 }) departuresReplaced: number;
  @ApiProperty({ example: 1, description: "This year's row version: send it as If-Match to change the year" }) version: number;
}

/** The answer of `PUT /projects/{id}/follow-up/{year}`: the year written (its version is the ETag) and the whole follow-up. */
export class ProjectFollowUpDto extends FollowUpYearDto {
  @ApiProperty({ example: '01a236f9-3c21-7b4e-9d12-6f0a8e4b2c17', format: 'uuid' }) projectId: string;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z' }) updatedAt: string;
  @ApiProperty({ type: [FollowUpYearDto], description: "The project's follow-up, ordered by year" }) followUp: FollowUpYearDto[];
}

/** `GET /projects/{id}`: the project with its follow-up. */
export class ProjectDetailDto extends ProjectDto {
  @ApiProperty({ type: [FollowUpYearDto], description: 'The CLS follow-up (seed 003), ordered by year' }) followUp: FollowUpYearDto[];
}
