import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ReportJobs } from './report-jobs.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

@Module({ imports: [MetricsModule], controllers: [ReportsController], providers: [ReportsService, ReportsRepository, ReportJobs], exports: [ReportJobs] })
export class ReportsModule {}
