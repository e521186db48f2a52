// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;
// solhint-disable avoid-low-level-calls

import {IResultReceiver} from "../interfaces/IResultReceiver.sol";

/// @notice Records every callback it receives and the gas it was given.
contract CallbackRecorder is IResultReceiver {
    event ResultReceived(bytes32 indexed taskId, bytes callbackData, uint256 gasAtEntry);

    uint256 public calls;
    bytes32 public lastTaskId;
    bytes public lastData;
    uint256 public lastGas;

    function receiveResult(bytes32 taskId, bytes calldata callbackData) external {
        uint256 gasAtEntry = gasleft();
        ++calls;
        lastTaskId = taskId;
        lastData = callbackData;
        lastGas = gasAtEntry;
        emit ResultReceived(taskId, callbackData, gasAtEntry);
    }
}

/// @notice A callback that re-enters whatever it is told to (claim, pushResult, withdraw...) and
/// records the outcome. It never reverts itself, so the attempt's result is observable.
contract ReentrantCallback is IResultReceiver {
    address public reentryTarget;
    bytes public payload;
    bool public attempted;
    bool public reentrySucceeded;
    bytes public reentryResult;

    function arm(address target_, bytes calldata payload_) external {
        reentryTarget = target_;
        payload = payload_;
    }

    /// @notice Lets the test make this contract an escrow customer (deposit, withdraw).
    function execute(address to, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = to.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    function receiveResult(bytes32, bytes calldata) external {
        attempted = true;
        (reentrySucceeded, reentryResult) = reentryTarget.call(payload);
    }
}

/// @notice Burns all the gas it is given.
contract GasBurnerCallback is IResultReceiver {
    uint256 private _sink;

    function receiveResult(bytes32, bytes calldata) external {
        uint256 spin = 0;
        while (gasleft() > 0) ++spin;
        _sink = spin;
    }
}

/// @notice Reverts with a huge revert payload (a "return-data bomb").
contract ReturnBombCallback is IResultReceiver {
    uint256 public immutable size;

    constructor(uint256 size_) {
        size = size_;
    }

    function receiveResult(bytes32, bytes calldata) external view {
        uint256 n = size;
        assembly ("memory-safe") {
            revert(0, n)
        }
    }
}

/// @notice Forwards a call with an exact gas limit and bubbles up its revert, to show what a
/// caller forwarding too little gas gets.
contract GasLimitedRelay {
    function relay(address target, bytes calldata data, uint256 gasLimit) external {
        (bool ok, bytes memory result) = target.call{gas: gasLimit}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}

/// @notice Records only the gas it received (one storage write), whatever the data size.
contract GasProbeCallback is IResultReceiver {
    uint256 public lastGas;

    function receiveResult(bytes32, bytes calldata) external {
        lastGas = gasleft();
    }
}
