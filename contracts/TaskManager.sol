// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IPolis} from "./interfaces/IPolis.sol";
import {TaskConfig} from "./tasks/TaskConfig.sol";
import {FastResults} from "./tasks/FastResults.sol";
import {Replication} from "./tasks/Replication.sol";
import {Claims} from "./tasks/Claims.sol";

/// @title Polis task manager
/// @notice Executes the deals of its hub: the trust-1 fast path (single and batch), the replicated
/// consensus path, and claims. It holds task state and worker scores; all money stays in the hub's
/// escrow and moves only through `IEscrow.moveFunds`, which checks conservation.
contract TaskManager is FastResults, Replication, Claims {
    constructor(IPolis hub_) TaskConfig(hub_) {}
}
