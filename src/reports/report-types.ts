// The four reports and their columns (the order of the CSV and XLSX downloads). Pure.
import type { ReportType } from '../generated/prisma/enums.js';

export const REPORT_COLUMNS: Record<ReportType, string[]> = {
  // New columns go after the first version's, so that a consumer reading by position still works.
  PIPELINE: ['departmentCode', 'step', 'status', 'kind', 'zone', 'count', 'procedure', 'callId'],
  FUNDING: ['departmentCode', 'funder', 'dossiers', 'computedCents', 'committedCents', 'paidCents', 'toRecoverCents'],
  DEADLINES: ['departmentCode', 'applicationId', 'projectName', 'reason', 'receivedOn', 'receiptDueOn', 'issuedOn', 'daysLate', 'lastEventAt', 'missingPieces'],
  FOLLOW_UP: [
    'departmentCode',
    'communeInsee',
    'communeName',
    'sitesInProject',
    'sitesOperational',
    'doctorsPlanned',
    'professionalsPlanned',
    'installations',
    'studentTrainees',
    'departuresReplaced',
  ],
};

export const REPORT_TYPES = Object.keys(REPORT_COLUMNS) as ReportType[];

/** A récépissé due within this many days is DUE_SOON; a dossier without event this long is DORMANT. */
export const DUE_SOON_DAYS = 15;
export const DORMANT_DAYS = 90;
/** A dossier waiting this long for a pièce its next move requires is MISSING_PIECE. */
export const MISSING_PIECE_DAYS = 30;

export const reportFileName = (regionCode: string, type: ReportType, date: string, ext: 'csv' | 'xlsx') => `report-${regionCode}-${type.toLowerCase()}-${date}.${ext}`;
