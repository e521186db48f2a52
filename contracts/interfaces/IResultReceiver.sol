// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Implemented by a deal's callback contract (EIP-1154 style push of the result).
interface IResultReceiver {
    /// @notice Called once when a task completes, with a gas cap; a revert is ignored.
    function receiveResult(bytes32 taskId, bytes calldata callbackData) external;
}
