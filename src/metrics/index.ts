export {
  createServiceMetrics,
  type KvOperationMetrics,
  type KvOperationOutcome,
  type QlikCloudCallMetrics,
  type QrsCallMetrics,
  type QrsCallOutcome,
  type ServiceMetrics,
  type StartOutcomeCounts,
} from './service-metrics.js';
export { qlikCloudOperationOf, statusClassOf } from './qlik-cloud-operation.js';
export { qrsOperationOf } from './qrs-operation.js';
