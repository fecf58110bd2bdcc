import { Injectable, Logger } from '@nestjs/common';
import { type AuditActor, actorOf, AuditRepository } from '../../audit/audit.repository.js';
import { assertRegionWide, type Principal } from '../../common/access/principal.js';
import { ApiProblem, forbidden, invalid } from '../../common/errors/problem.js';
import { TransactionHost } from '../../database/transaction-host.js';
import { isRegionCode } from '../regions.js';
import { DatasetError, type OfficialDataset, readOfficialDataset, regionSlice } from './dataset.js';
import { type LoadCounts, OfficialRepository } from './official.repository.js';

export interface LoadResult extends LoadCounts {
  regionCode: string;
  source: string;
  version: string;
  total: number;
  ms: number;
}

@Injectable()
export class OfficialService {
  private readonly logger = new Logger('ReferenceLoad');

  constructor(
    private readonly tx: TransactionHost,
    private readonly repository: OfficialRepository,
    private readonly audit: AuditRepository,
  ) {}

  async load(principal: Principal, regionCode: string): Promise<LoadResult> {
    assertRegionWide(principal, "The region's official communes");
    if (!isRegionCode(regionCode)) throw invalid([{ field: 'regionCode', message: `${regionCode} is not a region code (COG)` }]);
    if (regionCode !== principal.regionCode) throw forbidden(`You manage region ${principal.regionCode}, not ${regionCode}.`);
    let dataset: OfficialDataset;
    try {
      dataset = await readOfficialDataset();
    } catch (error) {
      if (error instanceof DatasetError) throw new ApiProblem(503, error.message, 'dataset-unavailable');
      throw error;
    }
    const result = await this.loadRegion(actorOf(principal), dataset, regionCode);
    this.logger.log(result, `official communes of region ${regionCode} loaded`);
    return result;
  }

  /** A region's communes and EPCI from the official dataset, in one transaction with its audit row. */
  loadRegion(actor: AuditActor, dataset: OfficialDataset, regionCode: string): Promise<LoadResult> {
    const started = Date.now();
    const { communes, epcis } = regionSlice(dataset, regionCode);
    return this.tx.transaction(
      async () => {
        const counts = await this.repository.load(regionCode, communes, epcis, dataset.source, dataset.version);
        const result = { regionCode, source: dataset.source, version: dataset.version, total: communes.length, ...counts, ms: Date.now() - started };
        await this.audit.append(actor, { action: 'commune.load_official', entity: 'reference_load', entityId: regionCode, regionCode, after: { ...result, ms: undefined } });
        return result;
      },
      { timeout: 120_000 },
    );
  }
}
