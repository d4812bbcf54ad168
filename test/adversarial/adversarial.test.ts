// Adversarial review of the simulated AWS account (src/sim) and its policy engine (src/policy),
// run in one process to keep the suite fast. Each suite file holds one theme and each test cites
// its source. Every finding the review raised has been fixed; the tests stay as regressions.
import './allows.suite.js'; // requests that must be denied (wrong allows), and their allowed twins
import './texts.suite.js'; // error codes, statuses and exact message texts
import './shapes.suite.js'; // output member names and order
import './explanations.suite.js'; // reason, deniedBy, deciding statements and summaries
import './persistence.suite.js'; // toJSON/fromJSON and the audit log
import './aws-docs.suite.js'; // behaviours checked against AWS documentation beyond the reference
