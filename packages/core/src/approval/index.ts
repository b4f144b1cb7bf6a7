export type {
  ApprovalDecision,
  ApprovalLinkQuery,
  ApprovalLinkVerdict,
  SignApprovalLinkInput,
} from './links.js';
export {
  ApprovalDecisionSchema,
  ApprovalLinkQuerySchema,
  approvalKeyId,
  approvalMarkerKey,
  signApprovalLink,
  verifyApprovalLink,
} from './links.js';
export type { RollbackApproval, RollbackApprovalVerdict } from './rollback-approval.js';
export {
  RollbackApprovalSchema,
  signRollbackApproval,
  verifyRollbackApproval,
} from './rollback-approval.js';
