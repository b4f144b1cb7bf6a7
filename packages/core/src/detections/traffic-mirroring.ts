import { defineDetection } from './define.js';
import { isObject, request, resourceRef, str } from './read.js';

/**
 * VPC Traffic Mirroring copies the packets of a network interface to a target the caller chooses: a way to sniff
 * traffic, credentials included, without touching the instance. The API is rarely used, so every change counts.
 */

const MIRROR_EVENTS = [
  'CreateTrafficMirrorFilter',
  'CreateTrafficMirrorFilterRule',
  'CreateTrafficMirrorSession',
  'CreateTrafficMirrorTarget',
  'DeleteTrafficMirrorFilter',
  'DeleteTrafficMirrorFilterRule',
  'DeleteTrafficMirrorSession',
  'DeleteTrafficMirrorTarget',
  'ModifyTrafficMirrorFilterNetworkServices',
  'ModifyTrafficMirrorFilterRule',
  'ModifyTrafficMirrorSession',
] as const;

/**
 * CloudTrail logs these calls with the request wrapped in `<EventName>Request` (e.g.
 * `CreateTrafficMirrorSessionRequest`); older or hand-built records carry the fields directly.
 */
function mirrorRequest(record: Parameters<typeof request>[0]): Record<string, unknown> {
  const req = request(record);
  const wrapped = req[`${record.eventName}Request`];
  return isObject(wrapped) ? wrapped : req;
}

const ec2TrafficMirroringChanged = defineDetection({
  id: 'ec2.traffic-mirroring-changed',
  title: 'VPC traffic mirroring set up or changed',
  category: 'EXF',
  mitre: ['T1040', 'T1020'],
  severity: 0.45,
  description:
    'Create/Modify/Delete TrafficMirror{Target,Filter,FilterRule,Session}: a session copies an interface’s packets to another interface or load balancer (severity .7 for creating or changing a session, which starts the copying; .45 for the parts, which prepare it). Failed attempts count: the API is rarely used and an attempt shows intent.',
  triggers: [{ eventSource: 'ec2.amazonaws.com', eventNames: [...MIRROR_EVENTS] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const req = mirrorRequest(record);
    // The mirrored interface matters most for a new session; otherwise the object the call names.
    const id =
      str(req.TrafficMirrorSessionId) ??
      str(req.NetworkInterfaceId) ??
      str(req.TrafficMirrorTargetId) ??
      str(req.TrafficMirrorFilterId) ??
      str(req.TrafficMirrorFilterRuleId);
    const session = /TrafficMirrorSession$/.test(record.eventName) && !record.eventName.startsWith('Delete');
    return {
      resource: id ? resourceRef(record, 'AWS::EC2::TrafficMirror', id, {}) : null,
      summary: `${record.eventName}${id ? ` on ${id}` : ''}${str(req.NetworkInterfaceId) ? ` (interface ${str(req.NetworkInterfaceId)})` : ''}`,
      severity: session ? 0.7 : 0.45,
    };
  },
});

export { ec2TrafficMirroringChanged };
