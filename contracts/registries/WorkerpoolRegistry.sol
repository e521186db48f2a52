// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IWorkerpoolRegistry} from "../interfaces/IWorkerpoolRegistry.sol";
import {AssetRegistry} from "./AssetRegistry.sol";

/// @notice Implements {IWorkerpoolRegistry}; see the interface for the NatSpec.
contract WorkerpoolRegistry is AssetRegistry, IWorkerpoolRegistry {
    mapping(address pool => WorkerpoolRecord) private _pools;

    constructor() ERC721("Polis Workerpool", "PPOOL") {}

    /// @inheritdoc IWorkerpoolRegistry
    function createWorkerpool(WorkerpoolParams calldata params) external returns (address pool) {
        _checkText(params.description, "description", MAX_NAME_LENGTH);
        if (bytes(params.location).length > MAX_NAME_LENGTH)
            revert RegistryFieldInvalid("location");
        _checkRatio(params.workerStakeRatio);
        _checkRatio(params.schedulerRewardRatio);
        pool = _register(msg.sender, _contentHash(params));
        _pools[pool] = WorkerpoolRecord({
            scheduler: params.scheduler,
            resourceClass: params.resourceClass,
            workerStakeRatio: params.workerStakeRatio,
            schedulerRewardRatio: params.schedulerRewardRatio
        });
        emit WorkerpoolCreated(
            pool,
            msg.sender,
            params.description,
            params.resourceClass,
            params.location,
            params.workerStakeRatio,
            params.schedulerRewardRatio
        );
        if (params.scheduler != address(0)) emit WorkerpoolSchedulerUpdated(pool, params.scheduler);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function predictWorkerpool(
        address owner,
        WorkerpoolParams calldata params
    ) external view returns (address) {
        return _predict(owner, _contentHash(params));
    }

    /// @inheritdoc IWorkerpoolRegistry
    function setWorkerpoolPolicy(
        address pool,
        uint8 workerStakeRatio,
        uint8 schedulerRewardRatio
    ) external onlyAssetOwner(pool) {
        _checkRatio(workerStakeRatio);
        _checkRatio(schedulerRewardRatio);
        WorkerpoolRecord storage record = _pools[pool];
        record.workerStakeRatio = workerStakeRatio;
        record.schedulerRewardRatio = schedulerRewardRatio;
        emit WorkerpoolPolicyUpdated(pool, workerStakeRatio, schedulerRewardRatio);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function setScheduler(address pool, address scheduler) external onlyAssetOwner(pool) {
        _pools[pool].scheduler = scheduler;
        emit WorkerpoolSchedulerUpdated(pool, scheduler);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function workerpoolRecord(address pool) external view returns (WorkerpoolRecord memory) {
        return _pools[pool];
    }

    /// @inheritdoc IWorkerpoolRegistry
    function workerpoolInfo(
        address pool
    )
        external
        view
        returns (
            address owner,
            address scheduler,
            uint8 workerStakeRatio,
            uint8 schedulerRewardRatio
        )
    {
        owner = ownerOfAsset(pool);
        WorkerpoolRecord memory record = _pools[pool];
        scheduler = record.scheduler == address(0) ? owner : record.scheduler;
        return (owner, scheduler, record.workerStakeRatio, record.schedulerRewardRatio);
    }

    /// @dev A new owner must not inherit the previous owner's scheduler key.
    function _update(
        address to,
        uint256 tokenId,
        address auth
    ) internal override returns (address) {
        address from = super._update(to, tokenId, auth);
        address pool = address(uint160(tokenId));
        if (from != address(0) && _pools[pool].scheduler != address(0)) {
            _pools[pool].scheduler = address(0);
            emit WorkerpoolSchedulerUpdated(pool, address(0));
        }
        return from;
    }

    function _checkRatio(uint256 ratio) private pure {
        if (ratio > 100) revert WorkerpoolRatioInvalid(ratio);
    }

    function _contentHash(WorkerpoolParams calldata p) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(bytes(p.description)),
                    p.resourceClass,
                    keccak256(bytes(p.location)),
                    p.workerStakeRatio,
                    p.schedulerRewardRatio
                )
            );
    }
}
