// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITaskConfig} from "../interfaces/ITaskConfig.sol";
import {IPolis} from "../interfaces/IPolis.sol";

/// @notice The task manager's link to its hub, its governance (the hub's owner), attestation
/// verifiers, the callback gas cap, and its EIP-712 domain ("Polis Tasks", "1") under which
/// worker authorizations, enclave results and attestation statements are signed.
abstract contract TaskConfig is ITaskConfig, EIP712, ReentrancyGuardTransient {
    uint256 internal constant MIN_CALLBACK_GAS = 50_000;
    uint256 internal constant MAX_CALLBACK_GAS = 5_000_000;

    IPolis internal immutable _hub;
    mapping(address verifier => bool) private _verifiers;
    uint256 private _callbackGas = 100_000;

    modifier onlyGovernance() {
        if (msg.sender != _hub.owner()) revert TaskConfigUnauthorized(msg.sender);
        _;
    }

    constructor(IPolis hub_) EIP712("Polis Tasks", "1") {
        _hub = hub_;
    }

    /// @inheritdoc ITaskConfig
    function setAttestationVerifier(address verifier, bool trusted) external onlyGovernance {
        _verifiers[verifier] = trusted;
        emit AttestationVerifierSet(verifier, trusted);
    }

    /// @inheritdoc ITaskConfig
    function setCallbackGas(uint256 gas) external onlyGovernance {
        if (gas < MIN_CALLBACK_GAS || gas > MAX_CALLBACK_GAS) revert CallbackGasInvalid(gas);
        _callbackGas = gas;
        emit CallbackGasSet(gas);
    }

    /// @inheritdoc ITaskConfig
    function isAttestationVerifier(address verifier) public view returns (bool) {
        return _verifiers[verifier];
    }

    /// @inheritdoc ITaskConfig
    function callbackGas() public view returns (uint256) {
        return _callbackGas;
    }

    /// @inheritdoc ITaskConfig
    function hub() external view returns (address) {
        return address(_hub);
    }
}
