// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;
// solhint-disable avoid-low-level-calls

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Escrow} from "../hub/Escrow.sol";

/// @notice The hub's escrow alone, with a chosen "task manager" account, so tests can drive
/// `moveFunds` with batches the real task manager never sends (unbalanced, over-releasing).
contract EscrowHarness is Escrow {
    address private immutable _manager;

    constructor(IERC20 token_, address manager) Escrow(token_) {
        _manager = manager;
    }

    function _taskManagerAddress() internal view override returns (address) {
        return _manager;
    }
}
