import type { Role } from '../../generated/prisma/enums.js';

// The role groups, named once (the README's "What the API does"; docs/architecture.md, Access).
// Pure: the workflow's transition table uses them too.

export const EVERY_ROLE: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING'];
/** Read the region's records: every role but the reporting jobs. */
export const STAFF_READERS: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR'];
/** The ARS's people: administration, instruction, decision. */
export const INSTRUCTING: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR'];
export const ADMIN_ONLY: Role[] = ['ADMIN'];
/** Move dossiers: instructors, and the DG ARS (or its delegate), who may do all they do. */
export const INSTRUCTORS: Role[] = ['INSTRUCTOR', 'DIRECTOR'];
/** Decide and issue récépissés: the DG ARS alone. */
export const DIRECTOR_ONLY: Role[] = ['DIRECTOR'];
/** Write on a funder's line of a plan: the ARS, and the partner whose funder it is. */
export const LINE_WRITERS: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER'];
/** Run reports now. */
export const REPORT_RUNNERS: Role[] = ['ADMIN', 'DIRECTOR', 'REPORTING'];
export const REPORT_READERS: Role[] = [...STAFF_READERS, 'REPORTING'];
/** The roles an API key may carry (never an administrator's nor a director's). */
export const API_KEY_ROLES: Role[] = ['INSTRUCTOR', 'PARTNER', 'AUDITOR', 'REPORTING'];
/** The roles a person may have (REPORTING is for jobs' keys). */
export const USER_ROLES: Role[] = EVERY_ROLE.filter((r) => r !== 'REPORTING');
/** Read the accounts: administrators, and auditors. */
export const ACCOUNT_READERS: Role[] = ['ADMIN', 'AUDITOR'];
