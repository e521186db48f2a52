// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC1363} from "@openzeppelin/contracts/token/ERC20/extensions/ERC1363.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @notice The payment token of test and dev deployments (18 decimals). On a dev chain anyone may
/// mint from the faucet; production deployments pass `faucetLimit = 0` and mint nothing after the
/// initial supply. ERC-1363 lets a user deposit into the escrow in one transaction.
contract PolisToken is ERC20, ERC20Permit, ERC1363 {
    /// @notice The faucet is disabled on this deployment.
    error TokenFaucetDisabled();
    /// @notice A faucet call asked for more than the per-call limit.
    error TokenFaucetLimitExceeded(uint256 requested, uint256 limit);

    /// @notice Largest amount one faucet call may mint; zero disables the faucet.
    uint256 public immutable faucetLimit;

    constructor(
        address initialHolder,
        uint256 initialSupply,
        uint256 faucetLimit_
    ) ERC20("Polis Token", "POLIS") ERC20Permit("Polis Token") {
        faucetLimit = faucetLimit_;
        if (initialSupply != 0) _mint(initialHolder, initialSupply);
    }

    /// @notice Mints `amount` to `to` on dev deployments.
    function faucet(address to, uint256 amount) external {
        if (faucetLimit == 0) revert TokenFaucetDisabled();
        if (amount > faucetLimit) revert TokenFaucetLimitExceeded(amount, faucetLimit);
        _mint(to, amount);
    }
}
