// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The few Hardhat/Foundry cheatcodes these tests use (forge-std is not available).
interface Vm {
    function warp(uint256 timestamp) external;

    function prank(address sender) external;

    function startPrank(address sender) external;

    function stopPrank() external;

    function sign(
        uint256 privateKey,
        bytes32 digest
    ) external pure returns (uint8 v, bytes32 r, bytes32 s);

    function addr(uint256 privateKey) external pure returns (address);

    function expectRevert(bytes calldata revertData) external;

    function assume(bool condition) external pure;

    function getCode(string calldata artifactPath) external view returns (bytes memory);
}

/// @dev The cheatcode address: uint160(uint256(keccak256("hevm cheat code"))).
Vm constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
