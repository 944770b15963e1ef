export { scheduleJob, jobRecordset, createJobRunner, type JobMap, type JobKind, type JobHandler, type JobRunner, type ScheduleOptions } from './jobs.js';
