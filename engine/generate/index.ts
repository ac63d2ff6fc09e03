/** Generation for property tests: green-by-construction topologies (the arbitraries live in ./arbitraries/). */
export { buildTopology, expectedResourceMatches, greenTopology, topologyParams, topologyProblems } from './topology.js';
export type { ExpectedCall, TargetPlan, Topology, TopologyAction, TopologyNames, TopologyOptions, TopologyParams } from './topology.js';
