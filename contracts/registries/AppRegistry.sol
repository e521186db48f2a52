// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IAppRegistry} from "../interfaces/IAppRegistry.sol";
import {AssetRegistry} from "./AssetRegistry.sol";

/// @notice Implements {IAppRegistry}; see the interface for the NatSpec.
contract AppRegistry is AssetRegistry, IAppRegistry {
    mapping(address app => AppRecord) private _apps;

    constructor() ERC721("Polis App", "PAPP") {}

    /// @inheritdoc IAppRegistry
    function createApp(AppParams calldata params) external returns (address app) {
        _checkText(params.name, "name", MAX_NAME_LENGTH);
        _checkText(params.uri, "uri", MAX_URI_LENGTH);
        if (params.checksum == bytes32(0)) revert RegistryFieldInvalid("checksum");
        app = _register(msg.sender, _contentHash(params));
        _apps[app] = AppRecord({checksum: params.checksum, mrenclave: params.mrenclave});
        emit AppCreated(
            app,
            msg.sender,
            params.name,
            params.uri,
            params.checksum,
            params.mrenclave,
            params.enclaveConfigHash
        );
    }

    /// @inheritdoc IAppRegistry
    function predictApp(address owner, AppParams calldata params) external view returns (address) {
        return _predict(owner, _contentHash(params));
    }

    /// @inheritdoc IAppRegistry
    function appRecord(address app) external view returns (AppRecord memory) {
        return _apps[app];
    }

    /// @inheritdoc IAppRegistry
    function appInfo(address app) external view returns (address owner, bytes32 mrenclave) {
        return (ownerOfAsset(app), _apps[app].mrenclave);
    }

    function _contentHash(AppParams calldata p) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(bytes(p.name)),
                    keccak256(bytes(p.uri)),
                    p.checksum,
                    p.mrenclave,
                    p.enclaveConfigHash
                )
            );
    }
}
