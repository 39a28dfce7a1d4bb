using Kasparro.Application.Assets;
using Mapster;

namespace Kasparro.Application.Common.Mappings;

/// <summary>How Application's own records become views: an asset's stored facts gain the consensus of its latest quotes.</summary>
public sealed class ApplicationMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.NewConfig<AssetRecord, AssetView>()
            .Map(d => d.Consensus, s => AssetConsensus.Of(s.Latest));
    }
}
