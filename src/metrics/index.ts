export {
  createServiceMetrics,
  type KvOperationMetrics,
  type KvOperationOutcome,
  type QrsCallMetrics,
  type QrsCallOutcome,
  type ServiceMetrics,
  type StartOutcomeCounts,
} from './service-metrics.js';
export { qrsOperationOf } from './qrs-operation.js';
