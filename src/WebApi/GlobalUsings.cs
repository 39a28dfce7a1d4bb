global using MediatR;
global using Microsoft.AspNetCore.Http.HttpResults;
