using FluentValidation;
using Kasparro.Application.Runs;

namespace Kasparro.Application.SchemaDrift.GetSchemaDrift;

/// <summary><c>source</c> known, <c>limit</c> 1-500, <c>offset</c> 0-10,000 or a <c>cursor</c> this list issued for this filter.</summary>
public sealed class GetSchemaDriftQueryValidator : AbstractValidator<GetSchemaDriftQuery>
{
    public GetSchemaDriftQueryValidator() => this.AddListRules<GetSchemaDriftQuery, long>();
}
