// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Governance-controlled settings of the hub: categories and the registries it trusts.
interface IConfig {
    /// @notice A category's time reference must be at least one second and below 2^32 seconds.
    error CategoryTimeRefInvalid(uint256 timeRef);

    event CategoryCreated(uint256 indexed id, string name, string description, uint256 timeRef);

    /// @notice Adds a category; tasks of it get deadlines of 7x / 10x `timeRef` seconds.
    function createCategory(
        string calldata name,
        string calldata description,
        uint256 timeRef
    ) external returns (uint256 id);

    function categoryCount() external view returns (uint256);

    /// @notice Time reference of a category, in seconds (reverts with MatchCategoryUnknown if absent).
    function categoryTimeRef(uint256 id) external view returns (uint256);

    function appRegistry() external view returns (address);

    function datasetRegistry() external view returns (address);

    function workerpoolRegistry() external view returns (address);

    /// @notice The task manager this hub created and the only caller allowed to move funds.
    function taskManager() external view returns (address);
}
