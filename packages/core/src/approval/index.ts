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
