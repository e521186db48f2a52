// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IDatasetRegistry} from "../interfaces/IDatasetRegistry.sol";
import {AssetRegistry} from "./AssetRegistry.sol";

/// @notice Implements {IDatasetRegistry}; see the interface for the NatSpec.
contract DatasetRegistry is AssetRegistry, IDatasetRegistry {
    mapping(address dataset => bytes32 checksum) private _checksums;

    constructor() ERC721("Polis Dataset", "PDATA") {}

    /// @inheritdoc IDatasetRegistry
    function createDataset(DatasetParams calldata params) external returns (address dataset) {
        _checkText(params.name, "name", MAX_NAME_LENGTH);
        _checkText(params.uri, "uri", MAX_URI_LENGTH);
        if (params.checksum == bytes32(0)) revert RegistryFieldInvalid("checksum");
        dataset = _register(msg.sender, _contentHash(params));
        _checksums[dataset] = params.checksum;
        emit DatasetCreated(dataset, msg.sender, params.name, params.uri, params.checksum);
    }

    /// @inheritdoc IDatasetRegistry
    function predictDataset(
        address owner,
        DatasetParams calldata params
    ) external view returns (address) {
        return _predict(owner, _contentHash(params));
    }

    /// @inheritdoc IDatasetRegistry
    function datasetChecksum(address dataset) external view returns (bytes32) {
        return _checksums[dataset];
    }

    function _contentHash(DatasetParams calldata p) private pure returns (bytes32) {
        return keccak256(abi.encode(keccak256(bytes(p.name)), keccak256(bytes(p.uri)), p.checksum));
    }
}
