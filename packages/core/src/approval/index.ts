export type {
  ApprovalDecision,
  ApprovalLinkQuery,
  ApprovalLinkVerdict,
  SignApprovalLinkInput,
} from './links.js';
export {
  ApprovalDecisionSchema,
  ApprovalLinkQuerySchema,
  approvalMarkerKey,
  signApprovalLink,
  verifyApprovalLink,
} from './links.js';
